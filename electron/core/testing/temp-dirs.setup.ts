/** vitest setup file: the temp dirs a test file made are removed once its own afterAll hooks ran. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dirs';

afterAll(removeTempDirs);
