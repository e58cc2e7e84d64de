// A screen's read: its answer, the problem in words when it failed, and a way to read it again (after
// a change), started when the screen opens.
import { useSignal, type Signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { explain } from "../api/client";

export interface Loaded<T> {
  value: Signal<T | null>;
  problem: Signal<string>;
  reload: () => Promise<void>;
}

export function useLoad<T>(read: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const value = useSignal<T | null>(null);
  const problem = useSignal("");
  async function reload() {
    try {
      value.value = await read();
      problem.value = "";
    } catch (err) {
      problem.value = explain(err);
    }
  }
  useEffect(() => void reload(), deps);
  return { value, problem, reload };
}
