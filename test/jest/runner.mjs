// Jest runner (jest.config.js `runner`): jest-light-runner's child-process runtime, with a fix for a
// start-up race in it (0.8.2, with tinypool 2.2).
//
// A worker process asks the pool for its configuration once, when it starts. jest-light-runner
// answers through one channel object shared by every task, and every task registers its worker's
// listener on it; the answer goes to every registered listener, which is then dropped. A worker
// whose listener was registered but whose process had not asked yet gets the answer before it listens
// for it, loses it, and its later request finds no listener: jest waits for that worker forever.
// Seen here on 2 cores when the scheduling changed (npm test hung once in three runs under `nice`).
//
// The fix: each task gets a channel of its own that answers only its worker, taking the
// configuration from the shared channel at the moment its worker asks.
import Tinypool from 'tinypool';
import runner from 'jest-light-runner/child-process';

const REQUEST = 'jest-light-runner-get-worker-data';

function channelOfOneTask(shared) {
  const listeners = new Set();
  return {
    onMessage(listener) {
      listeners.add(listener);
    },
    postMessage(message) {
      if (message !== REQUEST) return;
      // The shared channel answers every listener it holds at once, synchronously: here only this one.
      let answer;
      shared.onMessage((m) => (answer = m));
      shared.postMessage(REQUEST);
      for (const listener of listeners) listener(answer);
    },
  };
}

const run = Tinypool.prototype.run;
Tinypool.prototype.run = function runWithOwnChannel(task, options) {
  const channel = options?.channel;
  return run.call(this, task, channel === undefined ? options : { ...options, channel: channelOfOneTask(channel) });
};

export default runner;
