# The small box is the default; BIG_BOX=1 doubles the threads and the pool.
ENV.fetch("BIG_BOX", "0") == "1" ? threads(10, 10) : threads(5, 5)
