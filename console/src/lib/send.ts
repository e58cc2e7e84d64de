// A form's write with one Idempotency-Key per attempt: a retry after a lost answer or a server error
// reuses the key (and gets the first answer), a request the API surely refused takes a new one (see
// ``definitelyRefused``). Its problem in words and whether it is under way, for the form to show.
import { useSignal } from "@preact/signals";
import { definitelyRefused, explain } from "../api/client";

export function useSend() {
  const key = useSignal(crypto.randomUUID());
  const problem = useSignal("");
  const busy = useSignal(false);
  /** ``write`` with the attempt's key; on failure ``failed`` sees the error first, and undefined is returned.
   * While one is under way another is not made (a second submit, by Enter or a double click). */
  async function send<T>(write: (key: string) => Promise<T>, failed?: (err: unknown) => void): Promise<T | undefined> {
    if (busy.value) return undefined;
    problem.value = "";
    busy.value = true;
    try {
      return await write(key.value);
    } catch (err) {
      failed?.(err);
      problem.value = explain(err);
      if (definitelyRefused(err)) key.value = crypto.randomUUID();
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  /** The next attempt is a new request (the last one was answered, but not as hoped). */
  const renew = () => (key.value = crypto.randomUUID());
  return { send, renew, problem, busy };
}
