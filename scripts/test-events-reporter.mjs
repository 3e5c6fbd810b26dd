// A node:test reporter that writes one JSON line per finished test or suite, for
// scripts/run-tests.mjs to count from (the human-readable spec reporter runs beside it).
// Fields: outcome (pass|fail), name, file, suite (a describe), skip/todo (reason or true),
// failureType and message of a failure.
export default async function* testEvents(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    const error = d.details?.error;
    yield `${JSON.stringify({
      outcome: event.type === 'test:pass' ? 'pass' : 'fail',
      name: d.name,
      file: d.file,
      nesting: d.nesting,
      suite: d.details?.type === 'suite',
      skip: d.skip,
      todo: d.todo,
      failureType: error?.failureType,
      message: error ? String(error.cause?.message ?? error.message ?? error).slice(0, 500) : undefined,
    })}\n`;
  }
}
