// Nothing: the layering test only configures this project.
