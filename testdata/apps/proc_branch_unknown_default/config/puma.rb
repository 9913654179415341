threads 2, 2 if File.exist?("/etc/small-box")
