"""Delivery of call results to customers: an outbox worker and one adapter per CRM.

The result is committed with the call; the worker then delivers it at least once, with an
idempotency key per result so receivers can make that exactly once.
"""
