"""What every route uses: the one error map, the signed-in caller and the role policy's gate."""
