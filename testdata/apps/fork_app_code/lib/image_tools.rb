module ImageTools
  # The child becomes another program at once: the inherited connection is
  # never used.
  def self.convert(src, dst)
    pid = Process.fork { exec("convert", src, dst) }
    Process.wait(pid)
  end
end
