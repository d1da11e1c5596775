"""The referral guide (遇事找谁): which department, hotline and first steps for a situation,
and each street's local contacts."""
