// Intentionally empty: the child of bench/node/bare-fork.mjs, Node's own start-up and nothing else.
