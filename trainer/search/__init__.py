"""Site search: one query over the documents that other domains register as sources
(courses, lessons, question explanations, the referral guide), filtered to what the
caller may see, with the matched words highlighted."""
