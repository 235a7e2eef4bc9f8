/** The shared test rig lives in scripts/rig (the reliability script and the benchmark use it too). */
export * from "../../scripts/rig/bundle";
