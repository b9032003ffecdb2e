; behaviour: good
