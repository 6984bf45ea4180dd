"""Test harness: real RabbitMQ vhosts, the embedded MongoDB-protocol server, the suite's
processes, gRPC clients and an OTLP receiver. Nothing here fakes a transport."""
