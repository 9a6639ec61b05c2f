#ifndef CMPISHIMS_H
#define CMPISHIMS_H
#include <mpi.h>

/* Open MPI defines its predefined handles as macros over global structs, which Swift cannot
   import. These functions hand them to Swift. */
MPI_Comm cmpi_comm_world(void);
MPI_Comm cmpi_comm_null(void);
MPI_Datatype cmpi_float(void);
MPI_Datatype cmpi_double(void);
MPI_Datatype cmpi_int32(void);
MPI_Datatype cmpi_int64(void);
MPI_Datatype cmpi_byte(void);
MPI_Op cmpi_op_sum(void);
MPI_Op cmpi_op_max(void);
MPI_Op cmpi_op_min(void);
void *cmpi_in_place(void);
MPI_Request cmpi_request_null(void);
MPI_Status *cmpi_status_ignore(void);
MPI_Info cmpi_info_null(void);
int cmpi_comm_type_shared(void);
int cmpi_mode_nocheck(void);
int cmpi_thread_funneled(void);
int cmpi_max_processor_name(void);
int cmpi_max_library_version_string(void);
int cmpi_success(void);
int cmpi_undefined(void);
void cmpi_errors_return(MPI_Comm comm);
#endif
