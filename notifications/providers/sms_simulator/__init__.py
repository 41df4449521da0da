"""The SMS simulator: a plugin like any other, with its own model (what it "delivered"), its receipt
task, its admin and its tests. It is a Django app (``notifications.providers.sms_simulator``) only
because it keeps rows; the notifications core never imports it, it is named in ``SMS_PROVIDERS``."""
