from alpine
cmd ["sh", "-c", "echo \"hi\""]
entrypoint [not json
