#include "CMPIShims.h"

MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
MPI_Comm cmpi_comm_null(void) { return MPI_COMM_NULL; }
MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
MPI_Datatype cmpi_int32(void) { return MPI_INT32_T; }
MPI_Datatype cmpi_int64(void) { return MPI_INT64_T; }
MPI_Datatype cmpi_byte(void) { return MPI_BYTE; }
MPI_Op cmpi_op_sum(void) { return MPI_SUM; }
MPI_Op cmpi_op_max(void) { return MPI_MAX; }
MPI_Op cmpi_op_min(void) { return MPI_MIN; }
void *cmpi_in_place(void) { return MPI_IN_PLACE; }
MPI_Request cmpi_request_null(void) { return MPI_REQUEST_NULL; }
MPI_Status *cmpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
MPI_Info cmpi_info_null(void) { return MPI_INFO_NULL; }
int cmpi_comm_type_shared(void) { return MPI_COMM_TYPE_SHARED; }
int cmpi_mode_nocheck(void) { return MPI_MODE_NOCHECK; }
int cmpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
int cmpi_max_processor_name(void) { return MPI_MAX_PROCESSOR_NAME; }
int cmpi_max_library_version_string(void) { return MPI_MAX_LIBRARY_VERSION_STRING; }
int cmpi_success(void) { return MPI_SUCCESS; }
int cmpi_undefined(void) { return MPI_UNDEFINED; }
void cmpi_errors_return(MPI_Comm comm) { MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN); }
