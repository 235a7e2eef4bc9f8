import { scenarioTable } from "../support/scenarios";
import { replace } from "./scenarios/replace";

scenarioTable("replace rules", replace);
