import { scenarioTable } from "../support/scenarios";
import { keys } from "./scenarios/keys";

scenarioTable("another API key", keys);
