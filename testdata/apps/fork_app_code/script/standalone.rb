# Does not load Rails: forks are fine here.
pid = Process.fork { system("convert", "a.png", "b.png") }
Process.wait(pid)
