if File.exist?("/etc/big-box")
  threads 16, 16
else
  threads 5, 5
end
