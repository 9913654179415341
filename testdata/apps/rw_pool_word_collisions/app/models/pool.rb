# A swimming pool, not a connection pool.
class Pool < ApplicationRecord
  establish_connection :"pools_#{Rails.env}"

  has_many :pool_versions
  has_many :lanes

  def connection_pool_size
    self.class.connection_pool.size
  end
end
