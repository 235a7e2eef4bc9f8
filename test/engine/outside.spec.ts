import { scenarioTable } from "../support/scenarios";
import { outside } from "./scenarios/outside";

scenarioTable("outside the stack", outside);
