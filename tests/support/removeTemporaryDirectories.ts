import {afterAll} from "vitest";
import {removeTemporaryDirectories} from "./testRuntime.js";

// A vitest setup file (vitest.config.ts, every project): runs before each test file, so this afterAll
// belongs to that file. Setup-file hooks are registered first and vitest runs after-hooks as a stack
// (sequence.hooks "stack"), so this runs after the file's own afterAll hooks have closed its stores.
afterAll(removeTemporaryDirectories);
