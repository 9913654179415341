2.times do
  Process.fork do
  end
end
