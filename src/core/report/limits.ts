// GitHub's size limits. GitHub states them in "characters"; measured, the comment limit is 65,536
// code points (and 262,144 UTF-8 bytes on some surfaces). JS string length counts UTF-16 code units,
// which is >= code points, and 65,536 units are at most 196,608 UTF-8 bytes, so staying under the
// limit in `.length` is safe under every reading.
export const COMMENT_MAX_CHARS = 65_536;
export const CHECK_RUN_TEXT_MAX_CHARS = 65_535;
export const CHECK_RUN_SUMMARY_MAX_CHARS = 65_535;
export const ANNOTATIONS_PER_REQUEST = 50;
export const ANNOTATION_TITLE_MAX_CHARS = 255;
/** Annotation messages may be 64 KB; long messages help nobody in the Files tab. */
export const ANNOTATION_MESSAGE_MAX_CHARS = 4_000;
