import { scenarioTable } from "../support/scenarios";
import { billing } from "./scenarios/billing";

scenarioTable("billing", billing);
