-- mkinv has no arch field: the vendor column carried it; move it over.
UPDATE software SET arch = vendor, vendor = NULL;
