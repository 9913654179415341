# Forks without the app: no runner, no environment.
Process.fork do
end
