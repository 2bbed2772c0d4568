# Vietnamese newsrooms write dates day first, as the newspaper prints them (17/02/2020 - 09:44). Django's
# own "vi" locale has no input formats, so its admin would expect ISO dates; these override it.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y - H:i"
FIRST_DAY_OF_WEEK = 1
