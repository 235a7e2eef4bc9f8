import { scenarioTable } from "../support/scenarios";
import { lifecycle } from "./scenarios/lifecycle";

scenarioTable("lifecycle", lifecycle);
