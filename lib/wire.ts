// Wire constants of the NTP packet, each named once with the section that defines it.

/** RFC 5905 s6 (and RFC 868): seconds from the NTP prime epoch 1900-01-01 to the Unix epoch 1970-01-01. */
export const NTP_UNIX_OFFSET = 2208988800;

/**
 * RFC 5905 s6: 2^32 fraction units make one second, and 2^32 seconds make one era.
 * Written out because Espruino's Math.pow(2, 32) is 4294967295.99999666.
 */
export const TWO32 = 4294967296;

/** RFC 5905 s6: the NTP short format (root delay, root dispersion) is unsigned 16.16 fixed point. */
export const SHORT_UNIT = 65536;

/** RFC 4330 s4: the header without extension fields or MAC is 48 bytes. */
export const HEADER_LEN = 48;

/**
 * RFC 4330 s4: where the header's fields start. Byte 0 holds LI (2 bits), VN (3), mode (3);
 * byte 1 the stratum; root delay and root dispersion are NTP short format, the reference id
 * 32 bits, the originate, receive and transmit timestamps 64 bits each (RFC 5905 s6).
 */
export const STRATUM_AT = 1;
export const ROOT_DELAY_AT = 4;
export const ROOT_DISP_AT = 8;
export const REFID_AT = 12;
export const REF_AT = 16;
export const ORIG_AT = 24;
export const RECV_AT = 32;
export const XMIT_AT = 40;

/** RFC 4330 s4: the UDP port of an NTP server. */
export const NTP_PORT = 123;

/** RFC 4330 s4: version number we send (RFC 5905); servers answer with 3 or 4. */
export const VERSION = 4;

/** RFC 4330 s4: mode 3 is a client request, mode 4 a server reply. */
export const MODE_CLIENT = 3;
export const MODE_SERVER = 4;

/** RFC 4330 s4: leap indicator 3 is the alarm condition, the server clock is not synchronized. */
export const LEAP_ALARM = 3;

/** RFC 5905 s7.3: stratum 0 is a Kiss-o'-Death, 16 is unsynchronized, so 15 is the largest usable one. */
export const STRATUM_KOD = 0;
export const STRATUM_MAX = 15;

/**
 * RFC 5905 s7.3 and s9.1: the MAC after the header is a 32-bit key id and the digest of the
 * key followed by the packet; SHA1's digest is 20 bytes (MD5's 16, which Espruino cannot
 * compute). Key id 0 alone (4 bytes) is a crypto-NAK.
 */
export const KEY_ID_LEN = 4;
export const MD5_LEN = 16;
export const SHA1_LEN = 20;
export const MAC_LEN = KEY_ID_LEN + SHA1_LEN;
