import { scenarioTable } from "../support/scenarios";
import { secrets } from "./scenarios/secrets";

scenarioTable("input, secrets and leaks", secrets);
