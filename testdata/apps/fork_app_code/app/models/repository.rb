class Repository < ActiveRecord::Base
  def fork(owner)
    dup.tap { |copy| copy.update!(owner: owner) }
  end

  def fork_for(owner)
    fork do
      owner
    end
  end
end
