printf d > ./-dash
printf dd > ./--double
