class Thumbnailer
  def run(images)
    Parallel.each(images, in_processes: 4) do |image|
      image.thumbnail!
    end
  end

  def run_threaded(images)
    Parallel.each(images, in_threads: 4) { |image| image.thumbnail! }
  end

  def run_inline(images)
    Parallel.map(images, in_processes: 0) { |image| image.thumbnail! }
  end

  def run_safely(images)
    ActiveRecord::Base.connection_pool.disconnect!
    Parallel.map(images, in_processes: 4) { |image| image.thumbnail! }
  ensure
    ActiveRecord::Base.establish_connection
  end
end
