"""Building blocks shared by every ZJTX service.

Only infrastructure lives here (config, clock, envelope, Mongo provider, outbox and
inbox, tracing, gRPC plumbing, process launching); no domain rule of any service.
"""
