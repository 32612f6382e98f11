import type { Command } from 'commander';
import { specJsonSchema } from '../spec-schema.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of a study spec (studies/spec.schema.json holds it, for editors)')
    .action(() => {
      process.stdout.write(specJsonSchema());
    });
}
