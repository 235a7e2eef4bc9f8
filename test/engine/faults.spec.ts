import { scenarioTable } from "../support/scenarios";
import { faults } from "./scenarios/faults";

scenarioTable("faults", faults);
