import { View } from "./render";

/** No display configured: the serial console is the clock face. */
export function useDisplay(view: () => View): () => void {
  return () => {};
}
