// A stand-in for the article pool's worker that stops at once, as a broken build of the worker would.
process.exit(2);
