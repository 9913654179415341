class PoolVersion < ApplicationRecord
  establish_connection :"pools_#{Rails.env}"
  belongs_to :pool
end
