import { Panel } from "./panel";

/** No display configured: the serial console is the clock face. */
export function useDisplay(): Panel {
  return { connect: () => {}, draw: () => {} };
}
