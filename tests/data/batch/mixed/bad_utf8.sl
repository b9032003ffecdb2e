; behaviour: good
ÿþ not utf-8
