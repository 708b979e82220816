python -m minigrad.compat: can't open file 'once.py': no such file
