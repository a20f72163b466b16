// Set when the workers process is asked to stop: long jobs (settling a large backlog) end after the batch in hand
// instead of running on to their batch limit; what is left is picked up by the next run.
let stopping = false;

export function requestStop() {
  stopping = true;
}

export function stopRequested() {
  return stopping;
}
