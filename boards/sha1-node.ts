import { createHash } from "node:crypto";
import { Hash } from "../lib/mac";

export const sha1: Hash = (b) => new Uint8Array(createHash("sha1").update(b).digest());
