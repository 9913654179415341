module Gitlab
  module Cluster
    class LifecycleEvents
      def self.do_before_fork
        ActiveRecord::Base.clear_all_connections! # rubocop:disable Database/MultipleDatabases
      end

      def self.do_worker_start
        ActiveRecord::Base.establish_connection
      end
    end
  end
end
