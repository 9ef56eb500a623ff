document.title = "ProcLab"
