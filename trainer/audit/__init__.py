"""The audit log (审计日志): security and audit events stored, and the page that reads them."""
