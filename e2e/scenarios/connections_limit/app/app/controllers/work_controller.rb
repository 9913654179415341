# A request that holds its database connection for 1.5 s, longer than
# checkout_timeout, so a request that finds the pool empty times out.
class WorkController < ActionController::API
  def show
    ActiveRecord::Base.connection.select_value("SELECT 1 FROM pg_sleep(1.5)")
    render plain: "ok\n"
  end
end
