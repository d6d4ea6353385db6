chmod 0750 docs
